def clinic(request):
    return {
        "user_memberships": getattr(request, "memberships", []),
        "current_membership": getattr(request, "membership", None),
        "current_clinic": getattr(request, "clinic", None),
    }
