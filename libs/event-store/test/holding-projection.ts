import { Projection } from '../src';

/**
 * An inline projection that holds the append of `type` open, uncommitted, until released:
 * `inside` resolves once an append is held.
 */
export function holdingProjection(type: string) {
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const projection: Projection = {
    name: 'holding',
    handles: [type],
    tables: [],
    async apply() {
      entered();
      await gate;
    },
  };
  return { projection, inside, release };
}
