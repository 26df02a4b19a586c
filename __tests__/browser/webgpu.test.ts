import { describeBackendInBrowser } from './suite';

describeBackendInBrowser('webgpu');
