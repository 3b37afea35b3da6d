/**
 * The contract over HTTP (POST JSON, raw uploads) and a WebSocket for events.
 * The token (needed only when the server is bound beyond loopback) comes from
 * the URL fragment the server printed, which browsers never send to a server.
 */
import { HTTP, type AppEvent } from '../../src/contract/contract.ts';
import { RequestError, unwrap } from './request-error.ts';
import type { Transport } from './transport.ts';

export function webTransport(location: Location): Transport {
  const token = new URLSearchParams(location.hash.slice(1)).get(HTTP.tokenParam);
  const headers = (type: string): Record<string, string> => ({
    'content-type': type,
    ...(token ? { [HTTP.tokenHeader]: token } : {}),
  });

  async function post(path: string, body: BodyInit, type: string) {
    let res: Response;
    try {
      res = await fetch(path, { method: 'POST', headers: headers(type), body });
    } catch {
      throw new RequestError('internal', 'cannot reach the FER Studio server: is it still running?');
    }
    const text = await res.text();
    try {
      return unwrap<unknown>(JSON.parse(text));
    } catch (e) {
      if (e instanceof RequestError) throw e;
      throw new RequestError('internal', `the server answered ${res.status}: ${text.slice(0, 200)}`);
    }
  }

  return {
    shell: 'web',
    request: async (name, args) => (await post(HTTP.request + name, JSON.stringify(args), 'application/json')) as never,
    upload: async (uploadId, index, file) => {
      await post(`${HTTP.upload}${uploadId}/${index}`, file, 'application/octet-stream');
    },
    subscribe: (onEvent, onConnection) => {
      const connect = () => {
        const q = token ? `?${HTTP.tokenParam}=${encodeURIComponent(token)}` : '';
        const ws = new WebSocket(
          `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${HTTP.events}${q}`,
        );
        ws.onopen = () => onConnection(true);
        ws.onmessage = (m) => onEvent(JSON.parse(String(m.data)) as AppEvent);
        ws.onclose = () => {
          onConnection(false);
          setTimeout(connect, 2000);
        };
      };
      connect();
    },
  };
}
