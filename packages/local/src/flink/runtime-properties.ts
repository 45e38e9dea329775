/**
 * The local side of the jobs' local/managed switch: the property groups Managed Service for Apache Flink would hand
 * the job, written as one Java properties file (`<group>.<key>=<value>`) that the job reads when the environment
 * variable `STREAMKIT_FLINK_PROPERTIES` names it (see `flink/…/runtime/RuntimeProperties.java`).
 */

export type PropertyGroups = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The group of Flink settings the job applies only locally (checkpointing, restore, parallelism). */
export const LOCAL_FLINK_CONFIGURATION = 'FlinkConfiguration';

/** Java properties text for the groups; keys and values escaped as `java.util.Properties.load` reads them. */
export function formatRuntimeProperties(groups: PropertyGroups): string {
  const lines = ['# Written by the streamkit Flink launcher; read by the job (RuntimeProperties.java).'];
  for (const [group, properties] of Object.entries(groups)) {
    for (const [key, value] of Object.entries(properties)) {
      lines.push(`${escapeProperty(`${group}.${key}`, true)}=${escapeProperty(value, false)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function escapeProperty(text: string, isKey: boolean): string {
  let out = '';
  for (const [index, char] of [...text].entries()) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\f') out += '\\f';
    else if ((isKey && (char === '=' || char === ':' || char === ' ')) || char === '#' || char === '!') {
      out += `\\${char}`;
    } else if (char === ' ' && index === 0) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) {
      // Properties files are Latin-1: everything else as UTF-16 \u escapes.
      for (const unit of String.fromCodePoint(code).split('')) {
        out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
      }
    } else out += char;
  }
  return out;
}
