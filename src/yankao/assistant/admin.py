"""Admin of the assistant: topics and synonym lists are managed here; FAQ entries are only
looked at (their text changes through versions the commission approves, on the FAQ pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .models import FaqEntry, FaqVersion, Synonym, Topic
from .services import faq


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ("terms", "active")

    def clean_terms(self) -> str:
        return faq.clean_synonym_terms(self.cleaned_data.get("terms", ""))


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words citizens use for the same thing (路燈,街燈): the assistant searches them alike."""

    form = SynonymForm
    list_display = ("terms", "active")
    list_filter = ("active",)
    search_fields = ("terms",)

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        faq.notify_synonyms_changed()

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        super().delete_model(request, obj)
        faq.notify_synonyms_changed()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            faq.notify_synonyms_changed()


class FaqVersionInline(admin.TabularInline):
    model = FaqVersion
    extra = 0
    can_delete = False
    fields = ("number", "status", "question", "answer", "submitted_by", "submitted_at")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    """Read-mostly: only the topic may be changed here; the text goes through approval."""

    list_display = ("question", "agency", "topic", "status", "version", "valid_from", "valid_to")
    list_filter = ("status", "topic")
    search_fields = ("question", "alternatives", "answer", "source_key")
    list_select_related = ("agency", "topic")
    inlines = (FaqVersionInline,)
    fields = (
        "question",
        "alternatives",
        "answer",
        "agency",
        "topic",
        "status",
        "valid_from",
        "valid_to",
        "version",
        "source_key",
        "views",
        "helpful",
        "unhelpful",
    )
    readonly_fields = tuple(f for f in fields if f != "topic")
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
