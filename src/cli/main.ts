/** The `candor` executable's entry (bin/candor.mjs loads it): runs the program, sets the exit code. */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
