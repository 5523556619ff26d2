import { readFileSync } from 'node:fs';
import {
  ConsistencyProof,
  Digest,
  InclusionProof,
  consistencyHolds,
  digestSigned,
  inclusionHolds,
} from '@tally/event-store/merkle/verify-proof';

export const VERIFY_USAGE =
  'tally verify-proof <digest.json> <proof.json> --key <key.pem> [--from <earlier-digest.json>]';

/**
 * Checks a digest's signature and a proof against it, offline: no database, no server. An
 * inclusion proof (`leafIndex`) against the digest; a consistency proof (`fromSize`) from the
 * earlier digest (`--from`, whose signature is checked too) to this one. Prints one line each;
 * exit code 0 when all hold, 1 when one does not, 2 for words it does not understand.
 */
export function verifyProof(words: readonly string[]): number {
  const args = parse(words);
  if (!args) {
    console.error(`usage: ${VERIFY_USAGE}`);
    return 2;
  }
  const key = readFileSync(args.key, 'utf8');
  const digest = readJson<Digest>(args.digest);
  const proof = readJson<InclusionProof | ConsistencyProof>(args.proof);
  const checks: [string, boolean][] = [
    [`digest ${digest.sequence} is signed by the key`, digestSigned(digest, key)],
  ];
  if ('leafIndex' in proof) {
    checks.push([
      `event ${proof.eventHash} is entry ${proof.leafIndex} of digest ${digest.sequence}'s ${digest.events}`,
      inclusionHolds(proof, digest),
    ]);
  } else {
    if (!args.from) {
      console.error('a consistency proof needs the earlier digest: --from <digest.json>');
      return 2;
    }
    const earlier = readJson<Digest>(args.from);
    checks.push([`digest ${earlier.sequence} is signed by the key`, digestSigned(earlier, key)]);
    checks.push([
      `digest ${digest.sequence} extends digest ${earlier.sequence} (${earlier.events} → ${digest.events} events)`,
      consistencyHolds(proof, earlier, digest),
    ]);
  }
  for (const [what, holds] of checks) console.log(`${holds ? 'ok' : 'FAILED'}: ${what}`);
  return checks.every(([, holds]) => holds) ? 0 : 1;
}

function parse(words: readonly string[]) {
  const files: string[] = [];
  let key: string | undefined;
  let from: string | undefined;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '--key') key = words[++i];
    else if (words[i] === '--from') from = words[++i];
    else if (!words[i].startsWith('--')) files.push(words[i]);
    else return null;
  }
  if (files.length !== 2 || !key) return null;
  return { digest: files[0], proof: files[1], key, from };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
