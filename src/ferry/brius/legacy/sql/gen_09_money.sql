-- Money: the payments of the instructions of s_instr (REFERENCE 1.8); offers are in gen_09c.

INSERT INTO dispatch_payment (id, made_at, free, paid, canceled, netsuite, tax_rate, tax_value,
                              paid_price, subtotal_price, total_price, used_credit,
                              additional_price, custom_price, installments, instruction_id,
                              order_id, doctor_id, office_id)
SELECT p.id,
       CASE WHEN synthetic.r('payment.no_made_at', p.id) >= 0.02
            THEN least(s.t0 + synthetic.r('payment.made', p.id) * interval '30 days', synthetic.clock()) END,
       x.free, x.paid, x.canceled,
       synthetic.r('payment.netsuite', p.id) < 0.1,
       x.tax_rate, round(x.subtotal * x.tax_rate, 2),
       CASE WHEN x.paid THEN x.subtotal + round(x.subtotal * x.tax_rate, 2) ELSE 0 END,
       x.subtotal, x.subtotal + round(x.subtotal * x.tax_rate, 2),
       CASE WHEN synthetic.r('payment.credit', p.id) < 0.9 THEN 0
            ELSE round((synthetic.r('payment.credit_v', p.id) * 100)::numeric, 2) END,
       0,
       CASE WHEN synthetic.r('payment.custom', p.id) < 0.95 THEN NULL ELSE x.subtotal END,
       CASE WHEN inst < 0.7 THEN NULL WHEN inst < 0.8 THEN '[]'
            ELSE '[{"amount": ' || round(x.subtotal / 2, 2) || ', "due": "30d"}]' END,
       s.id, s.order_id, pt.doctor_id, pt.office_id
FROM s_instr AS s
JOIN dispatch_instruction AS i ON i.id = s.id
JOIN dispatch_patient AS pt ON pt.id = s.patient_id
CROSS JOIN LATERAL generate_series(s.payments_lo + 1, s.payments_hi) AS p(id)
CROSS JOIN LATERAL (
    SELECT synthetic.r('payment.free', p.id) < 0.03 AS free,
           synthetic.r('payment.canceled', p.id) < 0.008 AS canceled,
           synthetic.r('payment.canceled', p.id) >= 0.008 AND synthetic.r('payment.pending', p.id) >= 0.002 AS paid,
           CASE WHEN synthetic.r('payment.taxed', p.id) < 0.5 THEN 0
                ELSE round((synthetic.r('payment.tax', p.id) * 0.1)::numeric, 4) END AS tax_rate,
           CASE WHEN synthetic.r('payment.free', p.id) < 0.03 THEN 0
                ELSE round(coalesce(i.price, 100 + synthetic.ri('payment.price', p.id, 400))
                           * (0.1 + 0.3 * synthetic.r('payment.share', p.id))::numeric, 2) END::numeric(10, 2) AS subtotal,
           synthetic.r('payment.installments', p.id) AS inst
) AS x;
