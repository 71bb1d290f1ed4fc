/** Just enough XML writing for Route 53 (REST-XML), SNS and Elastic Load Balancing (Query) answers built from SDK-shaped objects. */
export type XmlValue = string | number | boolean | Date | undefined | null | readonly XmlValue[] | { readonly [key: string]: XmlValue };

/** List wrapper element → member element, as the AWS XML protocols name them. */
export const MEMBER_NAMES: Readonly<Record<string, string>> = {
  HostedZones: 'HostedZone',
  ResourceRecordSets: 'ResourceRecordSet',
  ResourceRecords: 'ResourceRecord',
  HealthChecks: 'HealthCheck',
  ChildHealthChecks: 'ChildHealthCheck',
  Regions: 'Region',
  HealthCheckObservations: 'HealthCheckObservation',
  Dimensions: 'Dimension',
  RecordData: 'RecordDataEntry',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlElement(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const member = MEMBER_NAMES[name] ?? 'member';
    return `<${name}>${value.map((item) => xmlElement(member, item as XmlValue)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, XmlValue>).map(([key, child]) => xmlElement(key, child));
    return `<${name}>${children.join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlDocument(root: string, namespace: string, body: Record<string, XmlValue>): string {
  const inner = Object.entries(body).map(([key, value]) => xmlElement(key, value)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${namespace}">${inner}</${root}>`;
}
