-- What one contact costs through each channel (kpi/service/channels.py), as the user entered it
-- on the channel mix page: a canonical channel (phone, email, web …) or an unknown channel word
-- as the tickets write it. No row, no cost: the mix's cost leaves that channel out.
CREATE TABLE channel_costs (
    channel             VARCHAR PRIMARY KEY,
    cost_per_contact    DOUBLE NOT NULL CHECK (cost_per_contact >= 0)
);
