/**
 * `quorum resume|cancel|answer|approve|reject`: act on an existing run. Answers are idempotent;
 * after recording one, the run continues in the foreground unless --no-resume (a child run's answer
 * continues its top-most unfinished parent, which drives the child in-process).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { forkRun, loadPinnedWorkflow } from "../../runtime/index.js";
import type { JsonValue } from "../../spec/index.js";
import { loadProject } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { cliLeaseMs, type HeldLeases, leaseForDriving, renewLeases, tryLease } from "../leases.js";
import { driftNote } from "../output/drift.js";
import { type OpenRuntime, openRuntime } from "../runtime-context.js";
import { driveAndReport } from "./drive.js";
import { parseInputs } from "./run.js";

interface DriveOptions {
  db?: string;
  dryRun?: boolean;
  config?: string;
  json?: boolean;
  resume?: boolean;
}

/**
 * How long an answer waits for the run's holder to let go before leaving the answer to it: a driver
 * that had already made its last check for answers when this one was recorded stops (and gives the
 * lease back) within milliseconds, and the answer must not be left to a process that is ending.
 */
const holderSettlingMs = 2_000;

/**
 * Drives `runId` here, leased so no other process drives it meanwhile. `afterAnswer`: an answer was
 * just recorded; when another process holds the run, that process takes the answer in and goes on, so
 * this one says so and succeeds instead of failing.
 */
async function continueRun(runId: string, options: DriveOptions, io: Io, afterAnswer = false): Promise<void> {
  const project = loadProject(options.config);
  const open = await openRuntime({ db: options.db, dryRun: options.dryRun, project });
  try {
    const run = await open.runtime.requireRun(runId);
    const note = options.json
      ? undefined
      : driftNote(runId, await loadPinnedWorkflow(open.runtime.deps, run.definitionHash), project);
    if (note) io.err(note);
    let leases: HeldLeases;
    if (afterAnswer) {
      const attempt = await tryLease(open, runId, io, holderSettlingMs);
      if (!attempt.leased && attempt.holder) {
        io.out(
          `run ${runId} is being driven by ${attempt.holder.owner}, which continues it with this answer`,
        );
        return io.exit(exitCodes.ok);
      }
      leases = renewLeases(open, attempt.leased ? [runId] : []);
    } else leases = await leaseForDriving(open, runId, io);
    try {
      io.exit(await driveAndReport(open, runId, io, { json: options.json }));
    } finally {
      await leases.release();
    }
  } finally {
    await open.close();
  }
}

const driveFlags = (command: Command) =>
  command
    .option("--db <url>", "store URL")
    .option("--config <file>", "project config")
    .option("--dry-run", "continue with the schema-driven stub instead of real models")
    .option("--json", "print the summary as JSON");

export function registerControl(program: Command, io: Io): void {
  driveFlags(
    program
      .command("resume")
      .description("Continue a run that stopped (crash, Ctrl-C, or answered)")
      .argument("<run>", "run id"),
  ).action((runId: string, options: DriveOptions) => continueRun(runId, options, io));

  driveFlags(
    program
      .command("fork")
      .description("Start a new run that reuses everything upstream of a step and runs the rest again")
      .argument("<run>", "run id")
      .requiredOption("--from <step>", "the first step to run again")
      .option(
        "-i, --input <name=value>",
        "override a run input (repeatable)",
        (v: string, p: string[]) => [...p, v],
        [],
      ),
  ).action(async (runId: string, options: DriveOptions & { from: string; input: string[] }) => {
    const open = await openRuntime({
      db: options.db,
      dryRun: options.dryRun,
      project: loadProject(options.config),
    });
    try {
      const { inputs, files } = parseInputs(options.input);
      const { run, reusedSteps } = await forkRun(
        open.runtime,
        runId,
        options.from,
        inputs,
        { workerId: open.workerId, leaseMs: cliLeaseMs },
        files,
      );
      const leases = renewLeases(open, [run.id]);
      if (!options.json)
        io.out(
          `run ${run.id} forked from ${runId} at '${options.from}'; reusing ${reusedSteps.length ? reusedSteps.join(", ") : "nothing"}`,
        );
      try {
        io.exit(await driveAndReport(open, run.id, io, { json: options.json }));
      } finally {
        await leases.release();
      }
    } finally {
      await open.close();
    }
  });

  program
    .command("cancel")
    .description("Cancel a run; calls in flight are aborted")
    .argument("<run>", "run id")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (runId: string, options: { db?: string; json?: boolean }) => {
      const open = await openRuntime({ db: options.db });
      try {
        const result = await open.runtime.cancel(runId);
        io.out(
          options.json
            ? JSON.stringify({ runId, result })
            : result === "cancelled"
              ? `run ${runId} cancelled`
              : `run ${runId} had already finished`,
        );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });

  const respond = async (
    runId: string,
    stepId: string,
    response: JsonValue,
    by: string | undefined,
    options: DriveOptions & { request?: string },
  ) => {
    const open = await openRuntime({ db: options.db });
    let result: string;
    let continueId = runId;
    let recorded: RecordedAnswer | undefined;
    try {
      result = await open.runtime.respond(runId, stepId, response, by, options.request);
      if (result !== "recorded") recorded = await recordedAnswer(open, runId, stepId, options.request);
      // A child run's answer continues the whole tree from its top-most parent, which drives the child.
      continueId = await open.runtime.resumeRoot(runId);
    } finally {
      await open.close();
    }
    if (result === "recorded") io.out(`recorded for ${runId} · ${stepId}`);
    else if (recorded && !sameAnswer(recorded.response, response)) {
      // Answering twice is harmless, but a different second answer must not look like it counted.
      throw new CliError(
        `${stepId} was already answered differently (${describeAnswer(recorded)}); yours (${describeAnswer({ response })}) was not recorded`,
        exitCodes.failed,
      );
    } else
      io.out(
        `${stepId} was already answered${recorded ? ` (${describeAnswer(recorded)})` : ""}; nothing changed`,
      );
    if (options.resume === false || result !== "recorded") return io.exit(exitCodes.ok);
    await continueRun(continueId, options, io, true);
  };

  driveFlags(
    program
      .command("answer")
      .description("Answer a step's clarification questions")
      .argument("<run>", "run id")
      .argument("<step>", "step id")
      .option("--text <answer>", "the answer")
      .option("--file <path>", "read the answer from a file")
      .option(
        "--request <id>",
        "which open request, when the step has several (map items; see 'quorum inbox')",
      )
      .option("--no-resume", "record the answer but do not continue the run here"),
  ).action(
    async (
      runId: string,
      stepId: string,
      options: DriveOptions & { text?: string; file?: string; request?: string },
    ) => {
      const text = options.text ?? (options.file ? readFileSync(options.file, "utf8") : undefined);
      if (!text) throw new CliError('give the answer with --text "..." or --file path');
      await respond(runId, stepId, text, undefined, options);
    },
  );

  for (const decision of ["approve", "reject"] as const)
    driveFlags(
      program
        .command(decision)
        .description(
          decision === "approve"
            ? "Approve a step waiting for approval"
            : "Reject a step waiting for approval",
        )
        .argument("<run>", "run id")
        .argument("<step>", "step id")
        .option("--comment <text>", "why")
        .option("--as <name>", "who decides (recorded)")
        .option("--no-resume", "record the decision but do not continue the run here"),
    ).action(
      async (runId: string, stepId: string, options: DriveOptions & { comment?: string; as?: string }) => {
        await respond(
          runId,
          stepId,
          { decision, ...(options.comment ? { comment: options.comment } : {}) },
          options.as ?? process.env.USER,
          options,
        );
      },
    );
}

interface RecordedAnswer {
  readonly response: JsonValue;
  readonly respondedBy?: string;
}

/** The answer on record for a step's request (the latest, or the one `requestId` names), if readable here. */
async function recordedAnswer(
  open: OpenRuntime,
  runId: string,
  stepId: string,
  requestId: string | undefined,
): Promise<RecordedAnswer | undefined> {
  const events = (await open.store.readEvents(runId)).map((e) => e.event);
  const asked = new Set(
    events.flatMap((e) =>
      e.type === "human-input-request" && e.stepId === stepId && (requestId ?? e.requestId) === e.requestId
        ? [e.requestId]
        : [],
    ),
  );
  const answers = events.flatMap((e) =>
    e.type === "human-input-response" && asked.has(e.requestId) ? [e] : [],
  );
  const last = answers.at(-1);
  return last
    ? { response: last.response, ...(last.respondedBy ? { respondedBy: last.respondedBy } : {}) }
    : undefined;
}

/** Approvals agree when their decisions do (a comment is not a different decision); other answers by value. */
const sameAnswer = (a: JsonValue, b: JsonValue): boolean =>
  decisionOf(a) !== undefined || decisionOf(b) !== undefined
    ? decisionOf(a) === decisionOf(b)
    : JSON.stringify(a) === JSON.stringify(b);

const decisionOf = (response: JsonValue): string | undefined =>
  response !== null && typeof response === "object" && !Array.isArray(response) && "decision" in response
    ? String(response.decision)
    : undefined;

function describeAnswer(answer: { response: JsonValue; respondedBy?: string }): string {
  const { response } = answer;
  const text =
    decisionOf(response) ??
    (typeof response === "string" ? JSON.stringify(response.slice(0, 60)) : "an answer");
  return `${text}${answer.respondedBy ? ` by ${answer.respondedBy}` : ""}`;
}
