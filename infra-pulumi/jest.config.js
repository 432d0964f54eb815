module.exports = { ...require('../jest.preset.js'), displayName: 'infra-pulumi' };
