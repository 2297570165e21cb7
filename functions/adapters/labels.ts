import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from './config.ts';

const s3 = new S3Client({});

export function labelKey(shipmentId: string): string {
  return `labels/${shipmentId}.pdf`;
}

export async function storeLabel(key: string, pdf: Uint8Array): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: config.labelsBucket,
      Key: key,
      Body: pdf,
      ContentType: 'application/pdf',
    }),
  );
}

export async function readLabel(key: string): Promise<Uint8Array | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: config.labelsBucket, Key: key }));
    return object.Body ? await object.Body.transformToByteArray() : undefined;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}
