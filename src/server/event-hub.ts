/**
 * Backend events -> every connected browser tab, over WebSocket (ws). A new
 * connection first gets the backlog (state, recent log, running progress), so
 * a reload never loses the picture. Clients never send anything we act on.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppEvent } from '../contract/contract.ts';
import { EventBacklog } from '../app/event-backlog.ts';

export class EventHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly backlog = new EventBacklog();

  constructor() {
    this.wss.on('connection', (ws: WebSocket) => {
      for (const e of this.backlog.replay()) ws.send(JSON.stringify(e));
      // Nothing inbound is part of the contract: ignore it.
      ws.on('message', () => undefined);
    });
  }

  publish(e: AppEvent): void {
    this.backlog.record(e);
    const text = JSON.stringify(e);
    for (const ws of this.wss.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
