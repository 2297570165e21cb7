import bwipjs from 'bwip-js/node';
import PDFDocument from 'pdfkit';
import type { LabelData } from '../app/ports.ts';

/** A 10x15 cm shipping label with a Code 128 barcode of the tracking number. */
export async function renderLabel(data: LabelData): Promise<Uint8Array> {
  const barcode = await bwipjs.toBuffer({
    bcid: 'code128',
    text: data.trackingNumber,
    scale: 3,
    height: 18,
    includetext: true,
    textxalign: 'center',
  });
  const doc = new PDFDocument({
    size: [283, 425],
    margin: 14,
    info: { Title: `Label ${data.trackingNumber}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.fontSize(16).text(data.carrierName, { align: 'left' });
  doc.moveDown(0.5).fontSize(9).text(`From: ${data.from}`);
  doc.moveDown(0.5).fontSize(12).text('To:');
  for (const line of data.to) doc.fontSize(12).text(line);
  doc.moveDown(0.5).fontSize(9).text(`Order ${data.orderId}  Shipment ${data.shipmentId}`);
  doc.text(`Weight ${data.weightKg.toFixed(2)} kg`);
  doc.image(barcode, 14, 300, { width: 255 });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
