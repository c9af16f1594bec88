#!/usr/bin/env node
/** The `quorum` executable. */
import { dropOutputWhenReaderLeaves, processIo } from "./io.js";
import { runCli } from "./program.js";

dropOutputWhenReaderLeaves();
await runCli(process.argv.slice(2), processIo);
