export * from './causeway-client.js';
