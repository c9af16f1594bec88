/**
 * The store conformance suite: every `Store` implementation must pass these cases against a real engine.
 * Call `describeStoreContract(name, factory)` from a test file; `factory` returns a harness for one fresh,
 * empty database per test. Cases a backend cannot run are listed in `skip` with the reason, and the
 * reason is printed in the test name — nothing is skipped silently (modelled on hono's
 * `src/router/common.case.test.ts`).
 */
import { afterEach, beforeEach, describe, it } from "vitest";
import type { Store } from "../../spec/index.js";
import { describeAlertCases } from "./cases/alerts.js";
import { describeClaimCases } from "./cases/claims.js";
import { describeContentCases } from "./cases/content.js";
import { describeJournalCases } from "./cases/journal.js";
import { describeLearningCases } from "./cases/learning.js";
import { describeLifecycleCases } from "./cases/lifecycle.js";
import { describeRunCases } from "./cases/runs.js";
import { describeSpendCases } from "./cases/spend.js";
import { describeSpendGcCases } from "./cases/spend-gc.js";
import type {
  ContractContext,
  ContractTest,
  HarnessOptions,
  SkipRule,
  StoreFactory,
  StoreHarness,
} from "./contract-types.js";
import { fakeClock } from "./fixtures.js";

export function describeStoreContract(
  name: string,
  factory: StoreFactory,
  skip: readonly SkipRule[] = [],
): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    let opened: Store[] = [];
    let main: Store | undefined;
    const clock = fakeClock();

    const open = async (options: HarnessOptions = {}): Promise<Store> => {
      if (harness === undefined) throw new Error("no harness: open() called outside a test");
      const store = await harness.open({ now: clock.now, ...options });
      opened.push(store);
      return store;
    };

    const context: ContractContext = {
      clock,
      store: () => {
        if (main === undefined) throw new Error("no store: store() called outside a test");
        return main;
      },
      second: async () => (harness?.sharesData ? await open() : context.store()),
      open,
      sharesData: () => harness?.sharesData ?? false,
    };

    beforeEach(async () => {
      clock.reset();
      harness = await factory();
      main = await open();
    });

    afterEach(async () => {
      for (const store of opened.reverse()) await store.close();
      opened = [];
      main = undefined;
      await harness?.cleanup();
      harness = undefined;
    });

    const test: ContractTest = (testName, body, timeoutMs) => {
      const rule = skip.find((r) => r.tests.includes(testName));
      if (rule === undefined) it(testName, body, timeoutMs);
      else it.skip(`${testName} — skipped: ${rule.reason}`, body);
    };

    describeRunCases(test, context);
    describeJournalCases(test, context);
    describeContentCases(test, context);
    describeClaimCases(test, context);
    describeLifecycleCases(test, context);
    describeSpendCases(test, context);
    describeSpendGcCases(test, context);
    describeAlertCases(test, context);
    describeLearningCases(test, context);
  });
}
