import type { Command } from 'commander';

// Placeholder registration: the owning module's commands are added here.
export function registerEvalCommands(_program: Command): void {}
