import type { ESLint } from 'eslint';
export declare function layerOf(relativePath: string): string | undefined;
export declare function tabFeatureOf(relativePath: string): string | undefined;
export declare function layerViolation(fromFile: string, specifier: string): string | undefined;
export declare const layersPlugin: ESLint.Plugin;
