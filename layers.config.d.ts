export interface Layer {
  readonly may: readonly string[];
  readonly forbiddenPackages?: readonly RegExp[];
  readonly onlyPackages?: readonly RegExp[];
}
export declare const LAYERS: Readonly<Record<string, Layer>>;
export declare const TAB_FEATURES_DIR: string;
export declare const TAB_FEATURES_ISOLATED: boolean;
export declare function isTestFile(file: string): boolean;
