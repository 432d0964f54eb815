// Gemini as the adapters use it, scripted: one answer per kind of request, told apart by its instructions.
import type { GeminiReply, GeminiRequest } from './gemini-standin';

export interface ScriptedAnswerOptions {
  /** Answer chart reviews with this instead of a review per file (e.g. a 500, to test a lost step). */
  charts?: GeminiReply;
  /** The coach's report summary. */
  summary?: string;
}

/**
 * The extraction of the sample narrative (100 AAPL, +185), a voice-note transcript, a review per chart, and a short
 * report. Tests of whole flows (Google mode, secrets, faults) share it so their scripts cannot drift apart.
 */
export function scriptedGeminiAnswers(options: ScriptedAnswerOptions = {}): (request: GeminiRequest) => GeminiReply {
  return (request) => {
    const system = request.body.systemInstruction?.parts?.map((p) => p.text ?? '').join(' ') ?? '';
    if (system.includes('You read one closed trade')) {
      return {
        json: {
          ticker: 'AAPL',
          position_type: 'long',
          pnl: 185,
          entry_timestamp: '2026-03-02T09:41',
          exit_timestamp: '2026-03-02T10:15',
          quantity: 100,
          entry_price: 189.2,
          exit_price: 191.05,
          stop_loss: null,
          tags: ['breakout'],
          notes: null,
        },
      };
    }
    if (system.includes('transcribe')) {
      return { json: { transcript: 'I chased the open again.', summary: 'Admits chasing the open.', sentiment: 'negative', highlights: ['chased the open'] } };
    }
    if (system.includes('chart screenshots')) {
      if (options.charts) return options.charts;
      const ids = (request.body.contents ?? []).flatMap((c) => c.parts ?? []).flatMap((p) => /^file_id: "(.+)"$/.exec(p.text ?? '')?.[1] ?? []);
      return { json: ids.map((file_id) => ({ file_id, summary: 'Entry at the high of a wide candle.', risks: ['entry into resistance'], opportunities: [] })) };
    }
    return {
      json: {
        performance_overview: { summary: options.summary ?? 'You kept to your plan on the trade you logged.', key_metrics: [] },
        behavioural_patterns: [],
        opportunities: ['Wait for the first pullback instead of chasing the open.'],
        action_plan: [{ title: 'Set entry alerts', detail: 'Place alerts at your level and act only when they fire.' }],
      },
    };
  };
}
