"""The base of the API's model serializers."""

import copy

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields are worked out from the model once per class.

    DRF builds a model serializer's fields from the model's fields on every instance (every
    request): a tenth of an asset API call's CPU. They depend on the class alone (its Meta and
    declared fields), never on the instance or the context, so the first instance's are kept and
    each instance gets a deep copy, as DRF gives each instance a copy of the declared fields.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)
