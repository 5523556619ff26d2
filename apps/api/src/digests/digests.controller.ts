import {
  ConflictException,
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, RequiresRole, UuidParam, ValidationFailed } from '@tally/http';
import { reportStreamId, revisionNumber } from '@tally/reports';
import { LogShrunkError } from '@tally/event-store';
import { DigestsService } from './digests.service';

export class DigestResponse {
  @ApiProperty({ example: 3 }) sequence!: number;

  @ApiProperty({ description: 'The position of the last event it covers, as /events gives it.' })
  position!: string;

  @ApiProperty({ description: 'The tree size: how many events, in global order.' }) events!: number;

  @ApiProperty({ description: 'RFC 9162 tree head (hex).', pattern: '^[0-9a-f]{64}$' })
  root!: string;

  @ApiProperty({ format: 'date-time' }) signedAt!: string;

  @ApiProperty({ description: 'The first 16 hex digits of SHA-256 of the public key (SPKI DER).' })
  keyId!: string;

  @ApiProperty({
    description: 'Ed25519 over the RFC 8785 canonical JSON of the digest without `signature`.',
  })
  signature!: string;
}

export class InclusionProofResponse {
  @ApiProperty({ description: 'The digest it proves against.' }) digest!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'The event in global order, from 0.' }) leafIndex!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) eventHash!: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 inclusion path (hex).' }) path!: string[];
}

export class ConsistencyProofResponse {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty() fromSize!: number;
  @ApiProperty() toSize!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 consistency path (hex).' }) path!: string[];
}

/** A proof the log can no longer give, because it lost events a digest covered: a 409. */
async function refusingShrunk<T>(prove: () => Promise<T>): Promise<T> {
  try {
    return await prove();
  } catch (error) {
    if (error instanceof LogShrunkError) throw new ConflictException(error.message);
    throw error;
  }
}

/** A digest's sequence number from a path or query parameter. */
function sequenceOf(text: unknown, name: string): number {
  if (typeof text !== 'string' || !/^[1-9]\d{0,14}$/.test(text)) {
    throw ValidationFailed.at(name, 'must be a digest sequence number, from 1');
  }
  return Number(text);
}

@ApiTags('digests')
@ApiBearerAuth()
@Controller('digests')
export class DigestsController {
  constructor(private readonly digests: DigestsService) {}

  @Post()
  @HttpCode(201)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Publish a digest of the log now' })
  @ApiCreatedResponse({ type: DigestResponse })
  @ApiErrors(401, 403, 409)
  async publish() {
    const digest = await this.digests.publish();
    if (!digest) throw new ConflictException('the log has no event yet: nothing to sign');
    return digest;
  }

  @Get('latest')
  @ApiOperation({ summary: 'The latest digest' })
  @ApiOkResponse({ type: DigestResponse })
  @ApiErrors(401, 403, 404)
  async latest() {
    const digest = await this.digests.log.latest();
    if (!digest) throw new NotFoundException('no digest has been published yet');
    return digest;
  }

  @Get('key')
  @ApiOperation({ summary: 'The public key digests are signed with (PEM)' })
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({ description: 'SPKI, PEM.', schema: { type: 'string' } })
  @Header('Content-Type', 'application/x-pem-file')
  @ApiErrors(401, 403)
  key() {
    return this.digests.signingKey().publicKeyPem;
  }

  @Get(':sequence')
  @ApiOperation({ summary: 'A digest' })
  @ApiOkResponse({ type: DigestResponse })
  @ApiErrors(400, 401, 403, 404)
  async get(@Param('sequence') sequence: string) {
    const digest = await this.digests.log.get(sequenceOf(sequence, 'sequence'));
    if (!digest) throw new NotFoundException(`no digest ${sequence}`);
    return digest;
  }

  @Get(':from/consistency/:to')
  @ApiOperation({ summary: 'The RFC 9162 consistency proof that digest `to` extends `from`' })
  @ApiOkResponse({ type: ConsistencyProofResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  async consistency(@Param('from') fromText: string, @Param('to') toText: string) {
    const fromSequence = sequenceOf(fromText, 'from');
    const toSequence = sequenceOf(toText, 'to');
    if (fromSequence > toSequence) throw ValidationFailed.at('from', 'must not come after `to`');
    const [from, to] = await Promise.all([
      this.digests.log.get(fromSequence),
      this.digests.log.get(toSequence),
    ]);
    if (!from || !to) throw new NotFoundException(`no digest ${!from ? fromSequence : toSequence}`);
    return refusingShrunk(() => this.digests.log.consistency(from, to));
  }
}

@ApiTags('digests')
@ApiBearerAuth()
@Controller('reports')
export class ProofController {
  constructor(private readonly digests: DigestsService) {}

  @Get(':id/revisions/:n/proof')
  @ApiOperation({ summary: "The RFC 9162 inclusion proof of a revision's event in a digest" })
  @ApiQuery({ name: 'digest', required: true, type: Number, description: 'Its sequence.' })
  @ApiOkResponse({ type: InclusionProofResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  async proof(
    @UuidParam('id') id: string,
    @Param('n') n: string,
    @Query('digest') digestText: unknown,
  ) {
    const revision = revisionNumber(n, 'n');
    const digest = await this.digests.log.get(sequenceOf(digestText, 'digest'));
    if (!digest) throw new NotFoundException(`no digest ${String(digestText)}`);
    const proof = await refusingShrunk(() =>
      this.digests.log.inclusion(digest, reportStreamId(id), revision),
    );
    if (!proof) {
      throw new NotFoundException(
        `digest ${digest.sequence} does not cover revision ${n} of report ${id}`,
      );
    }
    return proof;
  }
}
