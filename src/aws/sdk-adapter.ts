// Each adapter loads its SDK client's module on its first call and builds the client then, once.
// The modules are large (importing one costs tens of ms of CPU): `--help`, a validation error or a
// Lambda request that never reaches AWS loads none, and a request loads only the clients it uses.
import { AcmError } from '../util/errors.ts';
import { refuseWebPages } from './call.ts';
import type { AwsConfig } from './config.ts';

interface Stacked {
  middlewareStack: { add(middleware: unknown, options: Record<string, string>): void };
}

/** Something an adapter calls `send` on: an SDK v3 client. */
interface SdkClient {
  send(...args: never[]): unknown;
}

/** A client handed in by the caller, as opposed to a configuration to build one from. */
function isClient<Client extends SdkClient>(from: Client | AwsConfig): from is Client {
  return typeof (from as Partial<SdkClient>).send === 'function';
}

/** The adapter's client was asked for before its first call built it. */
export class ClientNotBuiltError extends AcmError {
  constructor(service: string) {
    super(`the ${service} client is built on the adapter's first call, and none has been made yet`, {
      service,
    });
  }
}

/** What every src/aws/sdk/ module exports besides its client's classes. */
export interface SdkModule {
  /** The SDK's process-wide state: whether its Node.js version notice was shown. */
  sdkState: { warningEmitted: boolean };
}

/** The SDK module (its command classes) and the client. */
export type Loaded<Sdk, Client> = readonly [sdk: Sdk, client: Client];

/** What every adapter is: one SDK client, built from the caller's client or an AwsConfig. */
export abstract class SdkAdapter<Sdk extends SdkModule, Client extends SdkClient> {
  private loading: Promise<Loaded<Sdk, Client>> | undefined;
  private made: Client | undefined;
  private readonly config: AwsConfig;

  constructor(
    private readonly service: string,
    private readonly load: () => Promise<Sdk>,
    from: Client | AwsConfig,
    private readonly build: (sdk: Sdk, config: AwsConfig) => Client,
  ) {
    if (isClient(from)) {
      this.made = from;
      this.config = {};
    } else this.config = from;
  }

  /** The SDK module and the client: loaded and built on the first call. */
  protected sdk(): Promise<Loaded<Sdk, Client>> {
    this.loading ??= this.loadOnce().catch((err: unknown) => {
      // A failed import (a file system hiccup) is tried again by the next call.
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  /** The SDK client, once the first call has built it (or the one handed in). */
  get client(): Client {
    if (!this.made) throw new ClientNotBuiltError(this.service);
    return this.made;
  }

  private async loadOnce(): Promise<Loaded<Sdk, Client>> {
    const sdk = await this.load();
    if (!this.made) {
      // On Node.js < 22 the SDK prints a notice about its future releases when it builds its first
      // client, on the library user's stderr. Its own once-per-process flag says it was shown, so
      // neither these clients nor the ones they build for credentials (STS, SSO) print it, and the
      // user's environment (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) is left alone.
      sdk.sdkState.warningEmitted = true;
      this.made = this.build(sdk, this.config);
      // Low priority in the deserialize step: it sees the raw HTTP answer before the SDK parses it.
      (this.made as unknown as Stacked).middlewareStack.add(refuseWebPages(), {
        step: 'deserialize',
        priority: 'low',
        name: 'refuseWebPages',
      });
    }
    return [sdk, this.made];
  }
}
