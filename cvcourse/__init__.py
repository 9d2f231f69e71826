"""cvcourse: the helpers the computer-vision course notebooks import.

Modules: :mod:`~cvcourse.assets` (find or download data and weights), :mod:`~cvcourse.images`
(read and check images), :mod:`~cvcourse.display` (show images, boxes, videos inline),
:mod:`~cvcourse.video` (frames in, annotated mp4 out), :mod:`~cvcourse.datasets` (course data
sets), :mod:`~cvcourse.evaluation` (IoU and detection scores), :mod:`~cvcourse.bench`
(execute and time the notebooks).
"""

__version__ = "0.1.0"

import os as _os

# TensorFlow's C++ start-up chatter (oneDNN, CUDA probing) is noise on a projector and breaks
# output comparison; the notebooks import cvcourse before tensorflow.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
