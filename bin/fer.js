#!/usr/bin/env node
// The `fer` command. The CLI is TypeScript run through tsx's ESM loader, so
// `npx fer ...` works straight from a checkout, without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
