"""Chat platforms at the edge: each turns platform events into `Incoming` and renders `Response`."""
