"""What dispatch's pages share."""


def centre_chosen(request, centres):
    """The centre the page is about: the one asked for (``?centre=`` or the form's), if the user
    may run it, else his first; None when he has none."""
    wanted = request.GET.get("centre") or request.POST.get("centre")
    for centre in centres:
        if str(centre.pk) == str(wanted):
            return centre
    return centres[0] if centres else None
