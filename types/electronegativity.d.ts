// Electronegativity ships no types; this is the part of its programmatic API the security gate uses.
declare module '@doyensec/electronegativity' {
  interface Options {
    input: string;
    output?: string;
    isSarif?: boolean;
    customScan?: string[];
    severitySet?: 'informational' | 'low' | 'medium' | 'high';
    confidenceSet?: 'tentative' | 'firm' | 'certain';
    isRelative?: boolean;
    electronUpgrade?: string;
    electronVersion?: string;
    parserPlugins?: string[];
  }
  export default function run(options: Options): Promise<unknown>;
}
