import { EventStore1764000000000 } from './1764000000000-event-store';
import { ReportReadModels1764000000001 } from './1764000000001-report-read-models';
import { Projections1764000000002 } from './1764000000002-projections';
import { FigureTotals1764000000003 } from './1764000000003-figure-totals';
import { AppRole1764000000004 } from './1764000000004-app-role';
import { LeanAppend1764000000005 } from './1764000000005-lean-append';
import { GuardedEvents1764000000006 } from './1764000000006-guarded-events';
import { Claims1764000000007 } from './1764000000007-claims';
import { ReportedTime1764000000008 } from './1764000000008-reported-time';
import { ReportedTotals1764000000009 } from './1764000000009-reported-totals';
import { MerkleLog1764000000010 } from './1764000000010-merkle-log';

/** Every migration, in order. Listed explicitly so that compiled and ts-jest runs agree. */
export const migrations = [
  EventStore1764000000000,
  ReportReadModels1764000000001,
  Projections1764000000002,
  FigureTotals1764000000003,
  AppRole1764000000004,
  LeanAppend1764000000005,
  GuardedEvents1764000000006,
  Claims1764000000007,
  ReportedTime1764000000008,
  ReportedTotals1764000000009,
  MerkleLog1764000000010,
];
