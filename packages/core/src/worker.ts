// Subpath `@pecunia/core/worker`: the analysis worker core and its LangGraph workflow (loaded only where jobs are run).
export { createAnalysisMessageHandler } from './services/analysis-worker';
export type { AnalysisWorkerDeps } from './services/analysis-worker';
export { runAnalysisWorkflow, buildAnalysisWorkflow } from './services/analysis-workflow/build-workflow';
export type { WorkflowOutcome } from './services/analysis-workflow/build-workflow';
export type { AnalysisWorkflowDeps, WorkflowLogger, OptionalStep } from './services/analysis-workflow/deps';
