// The caller's weekly proactive analysis: set (replace), read and remove it; each user sees only their own.
import { Router } from 'express';
import type { WeeklyScheduleService } from '@pecunia/core';
import { callerOf } from '../http/auth';
import { weeklyScheduleBodySchema } from '../http/schemas';
import { jsonBody, parseWith } from '../http/validate';

const PATH = '/schedules/weekly';

export function scheduleRoutes(schedules: WeeklyScheduleService): Router {
  const router = Router();

  router.put(PATH, async (req, res) => {
    const body = parseWith(weeklyScheduleBodySchema, jsonBody(req), 'SCHEDULE.INVALID_REQUEST', 'weekly schedule');
    res.json(await schedules.set(callerOf(req), body));
  });

  router.get(PATH, async (req, res) => {
    res.json(await schedules.get(callerOf(req)));
  });

  router.delete(PATH, async (req, res) => {
    await schedules.delete(callerOf(req));
    res.status(204).end();
  });

  return router;
}
