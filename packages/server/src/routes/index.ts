/** The route table: every route the service answers, in the order of the OpenAPI document. */
import type { RouteDef } from '../http/route.js';
import {
  appointmentSlipRoute,
  certifyRoute,
  extendDeadlineRoute,
  getCertificationRoute,
  getECopyRoute,
  recordDeliveryRoute,
  registerLookupRoute,
} from './certifications.js';
import { monthlyReportPageRoute, monthlyReportRoute } from './reports.js';
import { feeQuoteRoute } from './fees.js';
import { certifyPaperRoute } from './paper-certifications.js';
import { journalRoute } from './journal.js';
import { closeBookRoute, listRegisterRoute, registerBookRoute } from './register.js';
import { signRoute } from './sign.js';
import { completeSessionRoute, createSessionRoute } from './signing-sessions.js';
import { healthRoute, metricsRoute, readyRoute } from './system.js';
import { verifyRoute } from './verify.js';

export const ROUTES: readonly RouteDef[] = [
  healthRoute,
  readyRoute,
  metricsRoute,
  verifyRoute,
  signRoute,
  createSessionRoute,
  completeSessionRoute,
  feeQuoteRoute,
  certifyRoute,
  certifyPaperRoute,
  getCertificationRoute,
  getECopyRoute,
  recordDeliveryRoute,
  extendDeadlineRoute,
  appointmentSlipRoute,
  registerLookupRoute,
  listRegisterRoute,
  registerBookRoute,
  closeBookRoute,
  journalRoute,
  monthlyReportRoute,
  monthlyReportPageRoute,
];
