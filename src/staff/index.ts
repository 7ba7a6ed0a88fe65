export * from './accounts';
export * from './roles';
export { MIN_PASSWORD_LENGTH } from './passwords';
