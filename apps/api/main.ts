import { loadConfig } from '../../libs/config/index.js';
import { createApiApp, listen } from './bootstrap.js';

const config = loadConfig();
const app = await createApiApp(config);
const url = await listen(app, config);
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'causeway api listening', url })}\n`);
