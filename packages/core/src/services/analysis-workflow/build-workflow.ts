// The analysis graph: journal → metrics → media → (audio ∥ images ∥ research) → report → stored once.
import { END, START, StateGraph } from '@langchain/langgraph';
import type { AnalysisJob } from '../../ports/job-store.port';
import { collectMediaNode } from './collect-media';
import type { AnalysisWorkflowDeps } from './deps';
import { computeMetricsNode, loadJournalNode } from './load-journal';
import { analyseImagesNode, transcribeAudioNode } from './media-insights';
import { ProgressTracker } from './progress';
import { AnalysisState } from './state';
import type { AnalysisResult } from '../../domain/analysis-result';
import { persistNode, synthesizeNode } from './synthesize';
import { webResearchNode } from './web-research';

export type WorkflowOutcome =
  | { status: 'completed'; result: AnalysisResult }
  /** Another delivery completed the job first; its stored result was left as it was. */
  | { status: 'already_completed' };

/** Compiles the graph for one run: the nodes close over the run's progress tracker. */
export function buildAnalysisWorkflow(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return (
    new StateGraph(AnalysisState)
      .addNode('load_journal', loadJournalNode(deps, progress))
      .addNode('compute_metrics', computeMetricsNode(progress))
      .addNode('collect_media', collectMediaNode(deps, progress))
      .addNode('transcribe_audio', transcribeAudioNode(deps, progress))
      .addNode('analyse_images', analyseImagesNode(deps, progress))
      .addNode('web_research', webResearchNode(deps, progress))
      .addNode('synthesize', synthesizeNode(deps, progress))
      .addNode('persist', persistNode(deps, progress))
      .addEdge(START, 'load_journal')
      .addEdge('load_journal', 'compute_metrics')
      .addEdge('compute_metrics', 'collect_media')
      // Fan out: the three readers run in the same step, each writing its own keys of the state.
      .addEdge('collect_media', 'transcribe_audio')
      .addEdge('collect_media', 'analyse_images')
      .addEdge('collect_media', 'web_research')
      // Fan in: synthesize waits for all three.
      .addEdge(['transcribe_audio', 'analyse_images', 'web_research'], 'synthesize')
      .addEdge('synthesize', 'persist')
      .addEdge('persist', END)
      .compile({ name: 'analysis' })
  );
}

/**
 * Runs the analysis of one job that the caller has already marked running. Errors propagate: the caller decides
 * between failing the job (domain errors) and letting the queue redeliver it (anything else).
 */
export async function runAnalysisWorkflow(deps: AnalysisWorkflowDeps, job: AnalysisJob): Promise<WorkflowOutcome> {
  const progress = new ProgressTracker(deps.jobs, job.job_id, deps.logger);
  const graph = buildAnalysisWorkflow(deps, progress);
  const state = await graph.invoke({ job }, { runName: `analysis:${job.job_id}` });
  if (!state.persisted) return { status: 'already_completed' };
  return { status: 'completed', result: state.result };
}
