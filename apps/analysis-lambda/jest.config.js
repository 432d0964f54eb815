module.exports = { ...require('../../jest.preset.js'), displayName: 'analysis-lambda' };
