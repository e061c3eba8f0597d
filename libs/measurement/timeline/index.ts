export * from './dto/person-timeline.args.js';
export * from './models/timeline-entry.model.js';
export * from './timeline.module.js';
export * from './timeline.query.js';
export * from './timeline.service.js';
