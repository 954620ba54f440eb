"""The Qlik Associative Engine (QIX): JSON-RPC over a WebSocket, signed in as a profile.

- `target.engine_target(connection, app_id)`: the upgrade's URL, headers, Origin and TLS for
  the profile's sign-in method (QSEoW proxy session + CSRF, Cloud cookies + CSRF, Bearer...).
- `session.EngineSession.open(connection, app_id)`: the WebSocket (async context manager);
  `open_doc(no_data=)`, `call(handle, method, params)`, `get_object(doc, id)`, `close()`.
  Notifications (OnConnected, OnAuthenticationInformation, OnMaxParallelSessionsExceeded...)
  are kept in `session.notifications` and emitted as `ENGINE_NOTIFICATION` events on
  `connection.events`.
- `rpc.RpcChannel`: ids, handles, answers matched to calls, size/depth/time bounds.
- `errors`: `EngineError` (code, parameter, message + hint), `EngineClosed`,
  `TooManySessions`, refused upgrades with hints (a 403 from a QSEoW proxy explains its
  cross-site WebSocket hijacking prevention).
- `actions`: what the CLI and the TUI do with a session (apps, layout, objects, object with
  hypercube pages, fields, variables, script, evaluate; `outline` for a view's tree:
  sheets → objects, master items, variables, fields).
"""
