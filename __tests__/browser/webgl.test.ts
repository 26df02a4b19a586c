import { describeBackendInBrowser } from './suite';

describeBackendInBrowser('webgl');
