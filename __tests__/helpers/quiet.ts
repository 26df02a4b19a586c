import * as tf from '@tensorflow/tfjs-core';

// Test logs carry what the tests print, not tfjs's "running TensorFlow.js in Node.js" banner
// (PROD only silences tfjs's own warnings; it changes no computation).
tf.env().set('PROD', true);
