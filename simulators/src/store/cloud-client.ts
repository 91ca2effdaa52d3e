/** The few HTTP calls the store simulators make to the cloud API (loopback, bearer token). */
export interface CloudClient {
  get<T>(path: string): Promise<T>;
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

export function cloudClient(baseUrl: string, token: string): CloudClient {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async get<T>(path: string): Promise<T> {
      const response = await fetch(`${baseUrl}${path}`, { headers });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
      return (await response.json()) as T;
    },
    async post(path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
  };
}
