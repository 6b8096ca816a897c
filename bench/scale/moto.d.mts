export interface PagedMoto {
  readonly endpoint: string;
  readonly pid: number | undefined;
  readonly logFile: string;
  stop(): Promise<void>;
}
export function startPagedMoto(options?: { pageSize?: number | 'aws'; logDir?: string; timeoutMs?: number }): Promise<PagedMoto>;
