"""JSON API of work orders (API.md, "Work orders, stock, invoices"): serializers in `serializers`, staff and
client endpoints in `views`, the client's anonymous estimate link in `estimates`."""
