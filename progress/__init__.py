"""What comes back from the patient: day logs (through the link or the paper tracker), adherence
and "Needs attention". Above ``prescriptions``: it reads programs and answers through the
patient link's gate (``prescriptions.public.gate``); prescriptions knows it only through
``prescriptions.extensions``."""
