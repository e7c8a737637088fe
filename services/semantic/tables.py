"""The semantic stage's tables, kept as data a maintainer can read and change (bump VERSION when they do)."""

VERSION = "semantic-6+wordnet-3.0"  # 6: a kind weighted by its classes' summed scores; 5: people by the surest face

# Hypernyms too general to help anyone find a photo; the chain stops climbing at the first of these.
STOP_SYNSETS = frozenset({
    "entity.n.01", "physical_entity.n.01", "object.n.01", "whole.n.02", "living_thing.n.01", "organism.n.01",
    "abstraction.n.06", "matter.n.03", "causal_agent.n.01", "artifact.n.01", "instrumentality.n.03",
    "unit.n.03", "physical_object.n.01", "thing.n.12", "group.n.01", "relation.n.01", "attribute.n.02",
    "psychological_feature.n.01", "measure.n.02", "substance.n.07", "part.n.02", "substance.n.01",
})
MAX_HYPERNYMS = 8          # at most this many steps above the leaf
HYPERNYM_DECAY = 0.85      # each step up counts this much less
LEAF_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.6
RARE_LEMMA_SHARE = 0.01    # a synset's other lemmas are written when used at least this share of its most used,
SENSE_COUNT_EVIDENCE = 10  # ... once that one was counted this often in WordNet's tagged texts (else all are)
MAIN_SENSES = 3            # ... and when the synset is among the word's first senses ('cat' names a big cat 7th)

# Everyday words WordNet does not put above a synset.
RELATED_WORDS = {
    "domestic_cat.n.01": ("pet",), "dog.n.01": ("pet",), "hamster.n.01": ("pet",), "rabbit.n.01": ("pet",),
    "goldfish.n.01": ("pet",), "parrot.n.01": ("pet",), "dish.n.02": ("meal",), "meal.n.01": ("dining",),
    "dining_table.n.01": ("dining",), "restaurant.n.01": ("dining",), "beach.n.01": ("outdoors",),
    "seashore.n.01": ("outdoors", "beach"), "mountain.n.01": ("outdoors",), "person.n.01": ("people",),
}

# COCO detection labels to WordNet synsets.
COCO_SYNSETS = {
    "person": "person.n.01", "bicycle": "bicycle.n.01", "car": "car.n.01", "motorcycle": "motorcycle.n.01",
    "airplane": "airplane.n.01", "bus": "bus.n.01", "train": "train.n.01", "truck": "truck.n.01",
    "boat": "boat.n.01", "traffic light": "traffic_light.n.01", "fire hydrant": "fireplug.n.01",
    "stop sign": "street_sign.n.01", "parking meter": "parking_meter.n.01", "bench": "bench.n.01",
    "bird": "bird.n.01", "cat": "cat.n.01", "dog": "dog.n.01", "horse": "horse.n.01", "sheep": "sheep.n.01",
    "cow": "cattle.n.01", "elephant": "elephant.n.01", "bear": "bear.n.01", "zebra": "zebra.n.01",
    "giraffe": "giraffe.n.01", "backpack": "backpack.n.01", "umbrella": "umbrella.n.01", "handbag": "bag.n.04",
    "tie": "necktie.n.01", "suitcase": "bag.n.06", "frisbee": "frisbee.n.01", "skis": "ski.n.01",
    "snowboard": "snowboard.n.01", "sports ball": "ball.n.01", "kite": "kite.n.03",
    "baseball bat": "baseball_bat.n.01", "baseball glove": "baseball_glove.n.01", "skateboard": "skateboard.n.01",
    "surfboard": "surfboard.n.01", "tennis racket": "tennis_racket.n.01", "bottle": "bottle.n.01",
    "wine glass": "wineglass.n.01", "cup": "cup.n.01", "fork": "fork.n.01", "knife": "knife.n.01",
    "spoon": "spoon.n.01", "bowl": "bowl.n.01", "banana": "banana.n.02", "apple": "apple.n.01",
    "sandwich": "sandwich.n.01", "orange": "orange.n.01", "broccoli": "broccoli.n.02", "carrot": "carrot.n.03",
    "hot dog": "hotdog.n.02", "pizza": "pizza.n.01", "donut": "doughnut.n.02", "cake": "cake.n.03",
    "chair": "chair.n.01", "couch": "sofa.n.01", "potted plant": "pot_plant.n.01", "bed": "bed.n.01",
    "dining table": "dining_table.n.01", "toilet": "toilet.n.02", "tv": "television_receiver.n.01",
    "laptop": "laptop.n.01", "mouse": "mouse.n.04", "remote": "remote_control.n.01",
    "keyboard": "computer_keyboard.n.01", "cell phone": "cellular_telephone.n.01", "microwave": "microwave.n.02",
    "oven": "oven.n.01", "toaster": "toaster.n.02", "sink": "sink.n.01", "refrigerator": "electric_refrigerator.n.01",
    "book": "book.n.02", "clock": "clock.n.01", "vase": "vase.n.01", "scissors": "scissors.n.01",
    "teddy bear": "teddy.n.01", "hair drier": "hand_blower.n.01", "toothbrush": "toothbrush.n.01",
}

# Per face: below this gender confidence the model is guessing: no gender words (0 means "not given").
MIN_GENDER_CONFIDENCE = 0.3

# Per photo: how many people, and when one face fills the frame.
PEOPLE_WORDS = ((1, ("person",)), (2, ("couple", "people")), (6, ("group", "people")), (10**6, ("crowd", "people")))
PORTRAIT_AREA, SELFIE_AREA = 0.12, 0.25

# On a photo with faces, what the classifier calls clothing is what someone wears, not what the photo shows.
CLOTHING_SYNSET = "clothing.n.01"
WORN_ON_PORTRAIT = 0.3  # such labels' weight on photos with faces (a portrait "labelled" wig, lab coat, bow tie)

# A detected animal the classifier's confident animal is not (CenterNet's "horse" where the classifier says "tiger"
# at 0.87) gets no words: the classifier looked at the whole photo and is right far more often.
ANIMAL_SYNSET = "animal.n.01"
CONFIDENT_CLASS = 0.5
