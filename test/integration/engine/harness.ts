import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCustody } from "../../../src/custody/custody.js";
import { Engine } from "../../../src/engine/engine.js";
import type {
  EngineDeps,
  EngineMetrics,
  EnginePolicy,
  StepEvent,
} from "../../../src/engine/types.js";
import { EvidenceSigner } from "../../../src/evidence/signer.js";
import type { PauseSwitch } from "../../../src/targets/guard/index.js";
import type { TargetAdapter } from "../../../src/targets/types.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { ManualClock } from "../../helpers/fakes/clock.js";
import { FakeItsm } from "../../helpers/fakes/fake-itsm.js";
import { FakeRenderer } from "../../helpers/fakes/fake-renderer.js";
import { FakeTarget } from "../../helpers/fakes/fake-target.js";
import { resolveTo } from "../../helpers/fakes/findings.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

export const CAB = { userId: "u-cab-1", userName: "Cab Member", group: "CAB" };

/**
 * One engine over a real SQLite file in a temp dir, with fake ITSMs and target. `restart()`
 * drops the engine and store and opens new ones on the same file: a process restart.
 */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), "closeloop-engine-"));
  readonly dbPath = join(this.dir, "closeloop.sqlite");
  readonly clock = new ManualClock();
  readonly logger = new MemoryLogger();
  readonly events: StepEvent[] = [];
  readonly target = new FakeTarget("pg-test");
  readonly itsms: FakeItsm[];
  readonly custodyKey = randomBytes(32).toString("base64");
  readonly signer: EvidenceSigner;
  policy: EnginePolicy = { ticketLostPolicy: "flag" };
  metrics: EngineMetrics | undefined;
  pause: PauseSwitch | undefined;
  /** Where unresolved findings get a manual ticket (`routing.unresolved`); unset: nowhere. */
  routeUnresolved: EngineDeps["routeUnresolved"];
  /** What the engine is given as the target: the fake itself unless a test wraps it. */
  targetAdapter: TargetAdapter = this.target;
  store!: SqliteStore;
  engine!: Engine;

  constructor(itsms: FakeItsm[] = [new FakeItsm()]) {
    this.itsms = itsms;
    this.signer = EvidenceSigner.loadOrCreate(this.dir);
  }

  get itsm(): FakeItsm {
    return this.itsms[0]!;
  }

  async start(): Promise<this> {
    this.store = new SqliteStore(this.dbPath);
    await this.store.migrate();
    this.engine = new Engine({
      store: this.store,
      itsms: this.itsms,
      targets: [this.targetAdapter],
      resolve: resolveTo("pg-test"),
      route: () => this.itsms.map((i) => i.instance),
      renderer: new FakeRenderer(),
      custody: createCustody({ current: this.custodyKey }),
      evidence: EvidenceSigner.loadOrCreate(this.dir),
      clock: this.clock.now,
      logger: this.logger,
      onStep: (e) => this.events.push(e),
      policy: this.policy,
      ...(this.metrics === undefined ? {} : { metrics: this.metrics }),
      ...(this.pause === undefined ? {} : { pause: this.pause }),
      ...(this.routeUnresolved === undefined
        ? {}
        : { routeUnresolved: this.routeUnresolved }),
    });
    return this;
  }

  async restart(): Promise<void> {
    await this.store.close();
    await this.start();
  }

  /** Passes, an hour of fake time apart (past any backoff), until two in a row do nothing. */
  async settle(maxPasses = 12): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < maxPasses && quiet < 2; i += 1) {
      const s = await this.engine.runOnce();
      this.clock.advance(3_600_000);
      const idle =
        s.processed === 0 && Object.values(s.polled).every((n) => n === 0);
      quiet = idle ? quiet + 1 : 0;
    }
  }

  async stateOf(fp: string): Promise<string | undefined> {
    return (await this.store.getFinding(fp))?.state;
  }

  eventNames(fp: string): string[] {
    return this.events
      .filter((e) => e.findingFingerprint === fp)
      .map((e) => e.name);
  }

  async dispose(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
