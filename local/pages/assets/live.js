// The pages' live feed: one EventSource on the local bus's events. Each event becomes DOM events
// that htmx triggers listen for (`relais-order from:body`, `relais-order-<id> from:body`), so a
// fragment refreshes itself when something it shows has changed.
(() => {
  const status = document.getElementById('live-status');
  const connect = () => {
    const source = new EventSource('/_pages/events');
    source.addEventListener('open', () => {
      if (status) status.textContent = 'live';
      status?.classList.remove('offline');
    });
    source.addEventListener('error', () => {
      if (status) status.textContent = 'reconnecting';
      status?.classList.add('offline');
    });
    source.addEventListener('relais', (message) => {
      const event = JSON.parse(message.data);
      const fire = (name) => document.body.dispatchEvent(new CustomEvent(name, { detail: event }));
      if (event.orderId) {
        fire('relais-order');
        fire(`relais-order-${event.orderId}`);
      }
      if (event.type === 'AlertRaised.v1') fire('relais-alert');
      if (event.sku) {
        fire('relais-stock');
        fire(`relais-stock-${event.sku}`);
      }
    });
  };
  connect();
})();
