"""Text layer: language identification, segmentation with offsets, embeddings."""
