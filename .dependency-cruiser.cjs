/**
 * Import direction (docs/architecture.md): spec <- errors <- definition, planner <- engine <- runtime.
 * models, tools and store depend only on spec/errors; cli and server are composition roots nothing imports.
 */
const layer = (from, allowed) => ({
  name: `layer-${from}`,
  comment: `src/${from} may import only ${allowed.join(", ") || "node and packages"} (and itself)`,
  severity: "error",
  from: { path: `^src/${from}/` },
  to: {
    path: "^src/",
    pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)],
  },
});

module.exports = {
  forbidden: [
    layer("spec", []),
    layer("support", []),
    layer("errors", ["spec"]),
    layer("definition", ["spec", "errors"]),
    layer("planner", ["spec", "errors"]),
    layer("engine", ["spec", "errors", "planner"]),
    layer("runtime", [
      "spec",
      "errors",
      "planner",
      "engine",
      "definition",
      "store",
      "models",
      "steps",
      "quality",
      "guard",
      "tools",
      "support",
    ]),
    layer("models", ["spec", "errors", "support"]),
    layer("tools", ["spec", "errors"]),
    layer("store", ["spec", "errors", "support"]),
    layer("monitor", ["spec", "errors"]),
    layer("testing", ["spec", "errors", "definition", "planner", "engine", "models", "store"]),
    {
      name: "no-import-of-composition-roots",
      comment: "cli and server compose everything; nothing may import them",
      severity: "error",
      from: { pathNot: "^src/(cli|server)/" },
      to: { path: "^src/(cli|server)/" },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
