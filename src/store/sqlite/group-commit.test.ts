import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteGroupCommit } from "./group-commit.js";

function setup() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
  const put = db.transaction((k: string) => insert.run(k).changes);
  let commits = 0;
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => {
    if (sql === "COMMIT") commits++;
    return exec(sql);
  };
  const group = new SqliteGroupCommit(db, (error) => error);
  const rows = () => (db.prepare("SELECT k FROM t ORDER BY k").pluck().all() as string[]).join(",");
  return { db, put, group, rows, commits: () => commits };
}

describe("SqliteGroupCommit", () => {
  it("commits the writes of one turn together; a failing one rolls back alone", async () => {
    const { put, group, rows, commits } = setup();
    const results = await Promise.allSettled([
      group.enqueue(() => put("a")),
      group.enqueue(() => put("b")),
      group.enqueue(() => put("a")), // duplicate key: fails in its savepoint
      group.enqueue(() => put("c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(rows()).toBe("a,b,c");
    expect(commits()).toBe(1);
  });

  it("resolves only after the commit, and rejects every item when the commit fails", async () => {
    const { db, put, group, rows } = setup();
    let seenInTransaction = false;
    const first = group.enqueue(() => put("x"));
    const second = group.enqueue(() => {
      seenInTransaction = db.inTransaction;
      return put("y");
    });
    await Promise.all([first, second]);
    expect(seenInTransaction).toBe(true);
    expect(db.inTransaction).toBe(false);
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === "COMMIT") throw Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" });
      return exec(sql);
    };
    const failed = await Promise.allSettled([group.enqueue(() => put("p")), group.enqueue(() => put("q"))]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(db.inTransaction).toBe(false);
    expect(rows()).toBe("x,y");
  });

  it("a lone write needs no outer transaction", async () => {
    const { put, group, rows, commits } = setup();
    await group.enqueue(() => put("solo"));
    expect(rows()).toBe("solo");
    expect(commits()).toBe(0); // its own db.transaction committed it
  });
});
