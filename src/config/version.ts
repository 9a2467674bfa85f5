import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './index.ts';

/** The service's version (package.json): recorded with stored results so they can be reproduced. */
export const softwareVersion: string = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;
