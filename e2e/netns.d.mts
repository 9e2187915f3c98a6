export interface FoundBrowser {
  path: string;
  from: string;
}
export function log(line: string): void;
export function isExecutable(path: string | null | undefined): boolean;
export function findChromium(): Promise<FoundBrowser | null>;
export function findFirefox(): FoundBrowser | null;
export const INSTALL_CHROMIUM_HINT: readonly string[];
export function namespaceUnavailable(): string | null;
export const NETNS_SETUP_FAILED: number;
export function inLoopbackNamespace(command: readonly string[]): string[];
